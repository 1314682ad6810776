"""Subsidies and insurance (DESIGN.md section 10): effective-dated rules, insurance policies,
claims with their lifecycle, and each member's record of both, by which the yearly caps,
overlapping stays and overlapping policies are judged. Import each name from its module."""
