"""Ségur pay measures: which cells they covered and when, the establishment x job family x month
panel of outcomes, the staggered difference-in-differences estimate, and pay before and after."""
