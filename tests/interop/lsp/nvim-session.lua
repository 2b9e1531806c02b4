-- An editing session in headless Neovim with the configuration of the README (init.lua), run by
-- neovim.py on a copy of the example repository with plans/payroll.kdl open: a typo in a contact
-- id is reported by the language server, goes when undone, and go to definition of a contact id
-- lands on its definition. Every wait is for the server's answer, with a deadline; the first
-- failure ends Neovim with exit code 1 and its reason in $CONTINGENT_NVIM_RESULT.

local HANG = 60000 -- ms; a deadline against a hung server, never a measure of speed
local out = assert(os.getenv("CONTINGENT_NVIM_RESULT"), "CONTINGENT_NVIM_RESULT is not set")
vim.o.hidden = true

local function report(line)
  local f = assert(io.open(out, "a"))
  f:write(line, "\n")
  f:close()
end

local function fail(msg)
  report("FAIL: " .. msg)
  vim.cmd("cquit 1")
end

-- `what`: a text, or a function giving it (called on timeout, so it can say what there was)
local function wait(what, cond)
  if not vim.wait(HANG, cond, 20) then
    fail("timed out after " .. HANG .. " ms waiting for " .. (type(what) == "function" and what() or what))
  end
end

-- 0-based line and byte column of the first `needle` in the buffer, plus `plus`
local function find(buf, needle, plus)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, true)) do
    local col = line:find(needle, 1, true)
    if col then return i - 1, col - 1 + (plus or 0) end
  end
  fail("`" .. needle .. "` is not in " .. vim.api.nvim_buf_get_name(buf))
end

-- the language clients attached to a buffer (all of them without one), in 0.7 and in 0.10 and later
local function clients(buf)
  if vim.lsp.get_clients then return vim.lsp.get_clients({ bufnr = buf }) end
  if buf then return vim.tbl_values(vim.lsp.buf_get_clients(buf)) end
  return vim.lsp.get_active_clients()
end

local function fmt_diags(diags)
  local parts = {}
  for _, d in ipairs(diags) do
    table.insert(parts, string.format("%s at %d:%d %q", tostring(d.code), d.lnum, d.col, d.message))
  end
  return "[" .. table.concat(parts, ", ") .. "]"
end

local ok, err = xpcall(function()
  local plan = vim.api.nvim_get_current_buf()
  if not vim.api.nvim_buf_get_name(plan):match("/plans/payroll%.kdl$") then
    fail("the buffer is " .. vim.api.nvim_buf_get_name(plan))
  end
  if vim.bo[plan].filetype ~= "kdl" then fail("filetype is " .. vim.bo[plan].filetype) end

  -- the README's configuration attached the server to the buffer
  local client
  wait("contingent to attach and initialise", function()
    for _, c in ipairs(clients(plan)) do
      if c.name == "contingent" and c.initialized then client = c end
    end
    return client ~= nil
  end)
  report("attached: " .. client.name .. " at " .. client.config.root_dir)

  -- a typo in a contact id, typed into the buffer
  local line, col = find(plan, "level 2 notify=dirk.hansen", 15)
  vim.api.nvim_buf_set_text(plan, line, col, line, col + #"dirk.hansen", { "dirk.hanse" })
  local finding
  wait(function() return "REF002 on the edited buffer; it has " .. fmt_diags(vim.diagnostic.get(plan)) end, function()
    for _, d in ipairs(vim.diagnostic.get(plan)) do
      if d.code == "REF002" then finding = d end
    end
    return finding ~= nil
  end)
  local stop = col + #"dirk.hanse"
  if finding.lnum ~= line or finding.col ~= col or finding.end_lnum ~= line or finding.end_col ~= stop then
    fail(string.format("REF002 at %d:%d-%d:%d, expected %d:%d-%d:%d", finding.lnum, finding.col,
      finding.end_lnum, finding.end_col, line, col, line, stop))
  end
  if finding.severity ~= vim.diagnostic.severity.ERROR then fail("REF002 severity " .. finding.severity) end
  if not finding.message:find("no contact is named `dirk.hanse`", 1, true) then
    fail("REF002 says " .. finding.message)
  end
  report(string.format("diagnostic: REF002 at %d:%d: %s", finding.lnum + 1, finding.col + 1,
    finding.message:match("[^\n]*")))

  -- undone: the buffer is the signed plan again, and has no findings
  vim.cmd("undo")
  wait(function() return "the diagnostics to clear after undo; still " .. fmt_diags(vim.diagnostic.get(plan)) end,
    function() return #vim.diagnostic.get(plan) == 0 end)
  report("diagnostics cleared after undo")

  -- go to definition of a contact id
  local l, c = find(plan, "client=anna.schmidt", 9)
  vim.api.nvim_win_set_cursor(0, { l + 1, c })
  vim.lsp.buf.definition()
  wait("go to definition to open contacts/hpb.kdl", function()
    return vim.api.nvim_buf_get_name(0):match("/contacts/hpb%.kdl$") ~= nil
  end)
  local target = vim.api.nvim_get_current_buf()
  local dl, dc = find(target, "contact anna.schmidt {", 8)
  local cursor = vim.api.nvim_win_get_cursor(0)
  if cursor[1] ~= dl + 1 or cursor[2] ~= dc then
    fail(string.format("definition: cursor at %d:%d, expected %d:%d", cursor[1], cursor[2], dl + 1, dc))
  end
  report(string.format("definition: contacts/hpb.kdl:%d:%d", cursor[1], cursor[2] + 1))
  -- the opened file is attached to the same server
  wait("contacts/hpb.kdl to be attached", function()
    local attached = clients(target)
    return #attached == 1 and attached[1].id == client.id
  end)
  if #clients() ~= 1 then fail(#clients() .. " language servers, expected 1") end
  report("ok")
end, debug.traceback)
if not ok then fail(tostring(err)) end
vim.cmd("qall!")
