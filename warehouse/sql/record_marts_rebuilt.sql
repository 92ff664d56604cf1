-- Which marts the run rebuilt (the others' inputs did not change, so their rows were kept).
UPDATE ops.runs SET marts_rebuilt = $marts WHERE run_id = $run_id
