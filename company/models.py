"""The company portal (申报端): invitations and notifications."""
