-- expect: MZ501
-- pgvector is not a trusted extension: only a superuser may create it (the migration role usually is not one).
CREATE EXTENSION IF NOT EXISTS "vector";
