"""Tourism services: the only writers of hosts, listings, calendars, bookings and reviews."""
