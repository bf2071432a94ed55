"""NLP: the spaCy pipeline, entities, names, lexicons, quote marks, quotes and speakers."""
