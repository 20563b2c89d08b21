from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mooring.accounts"
    label = "accounts"

    def ready(self) -> None:
        from mooring.accounts import services  # noqa: F401 - connects the sign-in receivers
