"""The migrations folder on disk: journal, SQL files and their directives, snapshots, the offline check, rebase."""
