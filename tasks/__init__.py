"""The pipeline's work, one package per stage: fetch, extract, nlp, load.

Plain typed functions: the Prefect flows in ``newsflow.flows`` wrap them as tasks.
"""
