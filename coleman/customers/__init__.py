"""Customer accounts: registration with email activation, login, profiles and address books."""
