from fastapi import APIRouter

router = APIRouter(prefix="/after-sales", tags=["after-sales"])
