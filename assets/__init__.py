"""innercircle's Dagster asset graph, one subpackage per stage group.

sources -> feeds -> articles (+ author_pages) -> documents -> mentions -> people
-> recurring_voices -> published_warehouse
"""
