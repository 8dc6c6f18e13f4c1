{{ config(severity = 'warn') }}
-- Advisory (warn): vintages of one bureau table disagree (revised values, different borders, or two
-- files of one release stating different values). The build goes on with the current file as
-- fct_observation chooses it; marts.revisions has every disagreement with both values and files.
select table_id, indicator, region, sex, period, revision_kind,
       previous_source_id, previous_vintage, previous_value, previous_file,
       revised_source_id, revised_vintage, revised_value, revised_file, same_release
from {{ ref('revisions') }}
where revised_is_latest
order by same_release desc, table_id, indicator, period, region
