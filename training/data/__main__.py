"""`python -m training.data build ...`: the same command as `bayling-local data build`."""

from bayling_local.cli.data import data_command

if __name__ == "__main__":
    data_command(prog_name="python -m training.data")
