"""What every concept stands on: settings, the database and its unit of work, errors, words and formats."""
