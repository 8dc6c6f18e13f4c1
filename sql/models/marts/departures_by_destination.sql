-- Emigrants who left the country for good (departures for permanent residence) by destination
-- country and year, with each country's share of the year's departures and an "other /
-- unspecified" row for the remainder; labour emigrants are marts.emigration_by_destination.
{{ destination_shares('departures') }}
