"""The Events area (活动与商家): events, merchants, estimates, Excel import."""
