"""Events and merchants: events, merchants, estimates per event (the input of R2.1), the
merchant/estimate Excel import and template, and the event's stage."""
