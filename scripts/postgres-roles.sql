-- kazmig's PostgreSQL serving tier: its database and two roles. Run once, as a superuser:
--   psql -v writer_password=... -v reader_password=... -f scripts/postgres-roles.sql
-- kazmig_writer owns the database and is the one in KAZMIG_POSTGRES_URL: each release is loaded
-- into new schemas it creates and swapped in. kazmig_reader can only read: every release grants
-- it USAGE on the served schemas and SELECT on their tables, nothing else.
\set ON_ERROR_STOP on
create role kazmig_writer login password :'writer_password';
create role kazmig_reader login password :'reader_password';
-- The writer is a member of the reader role so that a release may see and end reader sessions
-- left idle in a transaction (KAZMIG_POSTGRES_TERMINATE_IDLE); it gains no other right by it.
grant kazmig_reader to kazmig_writer;
create database kazmig owner kazmig_writer encoding 'UTF8' template template0;
\connect kazmig
revoke all on database kazmig from public;
grant connect on database kazmig to kazmig_reader;
revoke create on schema public from public;
