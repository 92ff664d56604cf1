-- DuckDB alone on SDMX-CSV files ($files): every row into obs, OBS_VALUE x 10^UNIT_MULT (6 here).
INSERT INTO obs
SELECT MEASURE, REF_AREA, TIME_PERIOD, OBS_VALUE * 1e6
FROM read_csv($files, header = true, types = {'TIME_PERIOD': 'VARCHAR', 'OBS_VALUE': 'DOUBLE'})
