-- Stories run by more than one outlet (syndication clusters), most copies first.
-- Run: newsflow query syndicated_stories
SELECT cluster_id, copies, sources, source_names, first_day, first_title, first_url
FROM syndication_clusters
WHERE copies > 1
ORDER BY copies DESC, first_day DESC, cluster_id
LIMIT 50;
