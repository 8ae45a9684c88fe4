"""innercircle's Dagster asset graph: one module per group (``crawl.py``, ``extraction.py``,
``ranking.py``, ``profiles.py`` with ``suggestions.py``, ``publish.py``), plus the resources
(``resources.py``), the warehouse tables as asset specs (``tables.py``) and the helpers they
share (``common.py``). Assets only declare inputs, resources, partitions and metadata and
call a stage in ``innercircle.stages``; checks stand beside the assets they guard.

Every warehouse table is an asset: a step that writes several tables in one transaction is
a ``multi_asset`` with one spec per table (description and columns from the DDL).

sources -> feeds -> articles (+ author_pages) -> documents -> mentions -> people
-> recurring_voices (+ voice_history) -> voice_profiles -> voice_feeds, voice_reports;
recurring_voices -> source_suggestions; all of these -> published_warehouse (its own group)
"""
