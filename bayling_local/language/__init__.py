"""Languages: the 205 FLORES-200 languages and their names (`names`, `table`), and telling which one a text
is in (`detect`): the shipped character n-gram model (`ngram_features`, `ngram_model`), lid.176's second
opinion on a few words (`short_text`, `lid176`) and GlotLID once `bayling-local pull glotlid` installed it
(`detectors`, `glotlid`)."""
