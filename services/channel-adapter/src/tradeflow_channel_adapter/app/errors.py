"""Why a channel-adapter use case refuses (beside the domain's rules)."""

from tradeflow_channel_adapter.domain.errors import ChannelAdapterError


class ChannelNotFound(ChannelAdapterError):
    slug = "channel-not-found"

    def __init__(self, code: str) -> None:
        super().__init__(f"no channel {code!r} is configured")
        self.code = code


class ChannelInactive(ChannelAdapterError):
    slug = "channel-inactive"

    def __init__(self, code: str) -> None:
        super().__init__(f"channel {code!r} is not active")


class ChannelOrderNotFound(ChannelAdapterError):
    slug = "channel-order-not-found"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"no channel order {order_id!r} in this channel")


class UnknownSku(ChannelAdapterError):
    slug = "unknown-sku"

    def __init__(self, sku: str) -> None:
        super().__init__(f"the catalog has no SKU {sku!r} (a mapping names a local SKU; never guessed)")
        self.sku = sku


class WrongKind(ChannelAdapterError):
    slug = "wrong-channel-kind"


class AccountNotFound(ChannelAdapterError):
    slug = "account-not-found"

    def __init__(self, account_id: str) -> None:
        super().__init__(f"no account {account_id!r}")


class CannotMerge(ChannelAdapterError):
    slug = "cannot-merge-accounts"


class ChangeNotFound(ChannelAdapterError):
    slug = "channel-change-not-found"

    def __init__(self, change_id: str) -> None:
        super().__init__(f"no change {change_id!r} in this channel")


class ChangeNotInReview(ChannelAdapterError):
    """Staff act only on an address change waiting in review."""

    slug = "change-not-in-review"

    def __init__(self, change_id: str, kind: str, status: str) -> None:
        super().__init__(f"change {change_id} ({kind.replace('_', ' ')}) is {status}: staff approve or reject "
                         "only an address change waiting in review")
