"""Checks that run on a document before anything is written and can stop it: SMART (cin_docs.smart), disclosure."""
