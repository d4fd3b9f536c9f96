"""客户档案 list page: the paged customer table model and the page around it."""
