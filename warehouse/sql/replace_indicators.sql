-- core.indicators mirrors catalog/indicators.yaml: replaced as a whole on every run.
INSERT INTO core.indicators BY NAME SELECT * FROM stage_indicators
