"""System checks of the Salesforce app (ids ``coleman.E130``–``coleman.E139``)."""
