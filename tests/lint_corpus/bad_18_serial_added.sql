-- expect: MZ208
ALTER TABLE orders ADD COLUMN seq bigserial;
