"""What every form shares: the CJK font, the page header and footer with the audit anchor,
safe xlsx writing."""
