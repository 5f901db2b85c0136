def register(api) -> None:
    from . import boards, images, me, social

    api.add_router("/", me.router)
    api.add_router("/images/", images.router)
    api.add_router("/boards/", boards.router)
    api.add_router("/", social.router)
