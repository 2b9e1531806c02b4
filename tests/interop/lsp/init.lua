-- contingent's language server for the .kdl files of a plan repository (Neovim 0.7 or later)
local servers = {} -- Neovim 0.7: one server per plan repository
vim.api.nvim_create_autocmd({ "BufNewFile", "BufReadPost" }, {
  pattern = "*.kdl",
  callback = function(args)
    vim.bo[args.buf].filetype = "kdl"
    local found = vim.fn.findfile("contingent.kdl", vim.fn.fnamemodify(args.file, ":p:h") .. ";")
    if found == "" then return end
    local root = vim.fn.fnamemodify(found, ":p:h")
    local config = { name = "contingent", cmd = { "contingent", "lsp" }, root_dir = root }
    if vim.lsp.start then -- Neovim 0.8 or later
      vim.lsp.start(config, { bufnr = args.buf })
    else
      servers[root] = servers[root] or vim.lsp.start_client(config)
      vim.lsp.buf_attach_client(args.buf, servers[root])
    end
  end,
})
