-- Which of the given bodies were already parsed by this parser version.
SELECT DISTINCT sha256 FROM raw.parsed_bodies WHERE parser = $parser AND list_contains($shas, sha256)
