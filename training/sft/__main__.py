"""`python -m training.sft RECIPE [--set section.key=value ...]` - also the entry point for
`accelerate launch --config_file training/accelerate/fsdp.yaml -m training.sft RECIPE`."""

from bayling_local.cli.train import train_command

if __name__ == "__main__":
    train_command(prog_name="python -m training.sft")
