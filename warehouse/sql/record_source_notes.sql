-- The notes of the source's latest run ("no records", ...), NULL when it had none.
UPDATE ops.source_health SET notes = $notes WHERE source_id = $source_id
