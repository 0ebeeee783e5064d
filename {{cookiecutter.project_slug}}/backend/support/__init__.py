"""The example resource: support requests that clients open and staff answer.

A pattern to copy for your own resources (models, serializers, filters, permissions, views,
urls, admin, demo data, tests in ../tests/test_support_*.py), and to delete when you no longer
need it: remove "support" from INSTALLED_APPS and its line in config/urls.py, then this folder
and its tests.
"""
