"""innercircle's Dagster asset graph: one module (or package) per group, plus the
resources and the helpers they share. Assets only declare inputs, resources, partitions
and metadata and call a stage in ``innercircle.stages``; checks stand beside the assets
they guard (``ranking.py``; ``checks.py`` for crawl and extraction).

sources -> feeds -> articles (+ author_pages) -> documents -> mentions -> people
-> recurring_voices (+ voice_history) -> published_warehouse
"""
