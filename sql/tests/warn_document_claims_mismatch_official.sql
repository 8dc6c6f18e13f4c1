{{ config(severity = 'warn') }}
-- Advisory (warn): a document misquoting the bureau is a finding about the document, not a
-- defect of the warehouse; the official value is used either way. Lists the mismatching claims.
select
    document_name, page, position, indicator, region, country, period,
    claimed_value, stated_precision, official_value, difference
from {{ ref('note_claims') }}
where status = 'mismatch'
