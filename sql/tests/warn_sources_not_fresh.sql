{{ config(severity = 'warn') }}
-- Advisory (warn): a failed, stale or never fetched source leaves the last good vintage in use;
-- publication goes on, the operator is told. Lists the sources and why.
select source_id, status, status_reason, last_check, last_change, vintage_in_use
from {{ ref('source_freshness') }}
where status in ('failed', 'stale', 'never_fetched')
