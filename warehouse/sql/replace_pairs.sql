-- Equivalent pairs are recomputed for every article on each load (the FX rates may have changed).
DELETE FROM core.figure_pairs;
INSERT INTO core.figure_pairs BY NAME SELECT * FROM stage_pairs
