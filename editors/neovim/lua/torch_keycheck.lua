-- torch-keycheck's language server in Neovim, beside clangd.
--
--   require('torch_keycheck').setup({
--     cmd = { 'torch-keycheck', 'lsp' },  -- the default
--     inlay_hints = false,                -- key counts at registrations
--   })
--
-- Starts one server per project root (the nearest directory holding
-- compile_commands.json, build/compile_commands.json, .torch-keycheck.json,
-- .clang-tidy or .git) and attaches every C/C++ buffer under it. Works
-- with vim.lsp.start (Neovim 0.8 and later) and with vim.lsp.start_client
-- (0.7, Debian 12's). See docs/editors.md.
local M = {}

local markers = {
  'compile_commands.json', 'build/compile_commands.json',
  '.torch-keycheck.json', '.clang-tidy', '.git',
}

local function root_dir(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return vim.fn.fnamemodify(file, ':p:h')
    end
    dir = parent
  end
end

local clients = {} -- Neovim 0.7: root -> client id

function M.setup(opts)
  opts = opts or {}
  local config = {
    name = 'torch-keycheck',
    cmd = opts.cmd or { 'torch-keycheck', 'lsp' },
    init_options = { inlayHints = opts.inlay_hints or false },
  }
  vim.api.nvim_create_autocmd('FileType', {
    pattern = { 'c', 'cpp', 'cuda', 'objcpp' },
    callback = function(args)
      local file = vim.api.nvim_buf_get_name(args.buf)
      if file == '' then
        return
      end
      local root = root_dir(file)
      local this = vim.tbl_extend('force', config, { root_dir = root })
      if vim.lsp.start then
        vim.lsp.start(this, { bufnr = args.buf })
        return
      end
      local id = clients[root]
      if not id or not vim.lsp.get_client_by_id(id) then
        id = vim.lsp.start_client(this)
        clients[root] = id
      end
      if id then
        vim.lsp.buf_attach_client(args.buf, id)
      end
    end,
  })
end

return M
