-- Run by neovim_test.sh in `nvim --headless`: the editor's own LSP client
-- attached through editors/neovim/lua/torch_keycheck.lua, as a user's
-- config does. Writes what the editor holds to $OUT: its diagnostics
-- after opening the model, a hover, the quick fixes of a line, and the
-- diagnostics after an unsaved edit.
local source, bin, work = os.getenv('SOURCE'), os.getenv('BIN'), os.getenv('WORK')
local out = assert(io.open(os.getenv('OUT'), 'w'))
local timeout = 600000

local function finish(code)
  out:close()
  vim.cmd((code == 0 and 'qa!' or 'cq!'))
end

package.path = source .. '/editors/neovim/lua/?.lua;' .. package.path
require('torch_keycheck').setup({
  cmd = { bin .. '/torch-keycheck', 'lsp', '--cache-dir=' .. work .. '/cache' },
})

local function dump(title)
  local diags = vim.diagnostic.get(0)
  table.sort(diags, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  out:write(title .. ' ' .. #diags .. '\n')
  for _, d in ipairs(diags) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    out:write(string.format('%d:%d %s %s [%s] %s\n', d.lnum + 1, d.col + 1,
      vim.diagnostic.severity[d.severity], d.source or '', code or '', d.message))
  end
end

local function wait_for(what, check)
  if not vim.wait(timeout, check, 100) then
    out:write('timed out waiting for ' .. what .. '\n')
    finish(1)
  end
end

vim.cmd('edit ' .. work .. '/model.cpp')
wait_for('diagnostics', function() return #vim.diagnostic.get(0) > 0 end)
dump('diagnostics')

-- Hover on the holder's name in `Net net(...)`.
vim.api.nvim_win_set_cursor(0, { 14, 3 })
local params = vim.lsp.util.make_position_params()
local hover = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, timeout)
for _, r in pairs(hover or {}) do
  if r.result then
    out:write('hover\n' .. r.result.contents.value .. '\n')
  end
end

-- The quick fixes on the duplicate registration's line.
vim.api.nvim_win_set_cursor(0, { 9, 2 })
local range = vim.lsp.util.make_range_params()
range.context = { diagnostics = {} }
local actions = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', range, timeout)
for _, r in pairs(actions or {}) do
  for _, a in ipairs(r.result or {}) do
    out:write('action ' .. a.title .. '\n')
  end
end

-- An unsaved edit: the duplicate renamed away, a dotted name typed in.
vim.api.nvim_buf_set_lines(0, 8, 9, false,
  { '  register_buffer("fc.mask", torch::zeros({out}));' })
wait_for('diagnostics of the edit', function()
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.message:find('contains a dot') then return true end
  end
  return false
end)
dump('after edit')
finish(0)
