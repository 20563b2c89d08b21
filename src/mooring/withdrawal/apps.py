from django.apps import AppConfig


class WithdrawalConfig(AppConfig):
    name = "mooring.withdrawal"
    label = "withdrawal"
    verbose_name = "Withdrawal-management medicines"
