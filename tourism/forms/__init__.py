"""Forms of tourism's public pages: they check the shape of what was typed; the rules live in services."""
