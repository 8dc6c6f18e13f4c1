select
    period as year,
    country,
    value as emigrants
from {{ ref('fct_observation') }}
where indicator = 'labour_emigration' and country is not null
