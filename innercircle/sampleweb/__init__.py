"""A generated web of industry blogs, served on loopback, that knows its own answer key.

``build_sample_web()`` makes it (deterministic per seed); ``serve()`` puts each blog on
its own 127.0.0.x address; ``SampleWeb.truth`` says who a good ranking must find.
"""

from .generator import INDUSTRIES, REFUSED_HOST, build_sample_web, reference_date
from .server import SampleWebServer, serve
from .web import Article, Blog, IndustryTruth, Page, SampleWeb, Truth

__all__ = [
    "INDUSTRIES", "REFUSED_HOST", "Article", "Blog", "IndustryTruth", "Page", "SampleWeb",
    "SampleWebServer", "Truth", "build_sample_web", "reference_date", "serve",
]
