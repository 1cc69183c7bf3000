"""Where a person is: coordinates, places, countries and IP addresses, resolved offline."""
