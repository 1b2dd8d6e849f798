"""A character n-gram language identifier for the 205 FLORES-200 languages (numpy only, shipped data).

`features` turns a text into hashed n-gram ids, `model` scores them with naive Bayes and calibrates the
answer; `scripts/make_langid.py` builds the model file from the FLORES-200 dev archive.
"""
