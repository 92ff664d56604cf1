-- The figures of one article, in the shape transforms.figures.extract_figures returns.
SELECT figure_index, surface, start_offset AS "start", end_offset AS "end", value, unit, qualifier, ambiguous, note
FROM core.figures
WHERE article_id = $article_id
ORDER BY figure_index
