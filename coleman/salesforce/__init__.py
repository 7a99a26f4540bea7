"""Salesforce sync (book ch. 7): products, customers and orders upserted over the REST API."""
