-- The note's first chart: labour emigrants by destination country and year, with each country's
-- share of the national total and an "other / unspecified" row for the remainder.
{{ destination_shares('labour_emigration') }}
