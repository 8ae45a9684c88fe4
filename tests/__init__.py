"""The test suite (not installed). ``conftest.py`` holds the shared fixtures (the sample
web, one way to configure a run, the one shared nightly run); ``builders.py`` the shared
builders of policies and warehouse rows; tests that run the whole pipeline are ``slow``."""
