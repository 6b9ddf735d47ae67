"""The demo council seeded by `flask seed-demo`."""
