"""Operations: backups and restores, the session archive."""
